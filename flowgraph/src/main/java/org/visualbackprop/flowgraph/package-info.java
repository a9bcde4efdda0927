/** Section 4 of the paper made executable: the flow graph of a convolutional network and sums over its paths. */
package org.visualbackprop.flowgraph;
