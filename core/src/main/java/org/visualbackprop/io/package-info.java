/**
 * Files: NumPy {@code .npy} arrays, this project's model files, provenance records.
 */
package org.visualbackprop.io;
