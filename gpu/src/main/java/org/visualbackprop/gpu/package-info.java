/** OpenCL kernels (through Aparapi) for the forward pass, VisualBackProp and LRP. */
package org.visualbackprop.gpu;
