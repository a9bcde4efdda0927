/**
 * The arithmetic under the layers: a blocked, multithreaded matrix product on Java's Vector API ({@link org.visualbackprop.compute.Sgemm}), convolutions as products over an implicit im2col matrix ({@link org.visualbackprop.compute.ConvKernels}), worker threads and reusable scratch memory.
 */
package org.visualbackprop.compute;
