/** The experiments behind the paper's figures and tables (Figures 1-3, 7, 8-17, 20-21, the timing table), as methods the
 * command line and the notebooks call. */
package org.visualbackprop.figures;
