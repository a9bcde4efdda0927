/** Images: reading files into tensors, fitting them to a network's input, and the pictures of explanations. */
package org.visualbackprop.image;
