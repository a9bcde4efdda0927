/**
 * Training: data sets, losses, SGD and the training loop with its listeners.
 */
package org.visualbackprop.train;
