/** The paper's networks (NetSVF, NetHVF, the traffic-sign net) and a small one of the same kind. */
package org.visualbackprop.nets;
