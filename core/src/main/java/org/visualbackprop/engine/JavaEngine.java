package org.visualbackprop.engine;

import java.util.Objects;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.UnsupportedNetworkException;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * The plain-Java engine: a traced forward pass in evaluation mode that records the channel means VisualBackProp
 * reads (in the same sweep as the ReLU), then {@link VisualBackProp#explain(Trace, VbpPlan)} and
 * {@link org.visualbackprop.explain.Lrp#attribute} on that trace. The reference the OpenCL engine is tested against.
 */
final class JavaEngine implements InferenceEngine {
    private final Network network;
    private final DeviceInfo device;
    private final VbpPlan plan;
    private final String planError;
    private Trace trace;
    private boolean closed;

    JavaEngine(Network network, DeviceInfo device) {
        this.network = Objects.requireNonNull(network, "network");
        this.device = device;
        VbpPlan p = null;
        String err = null;
        try {
            p = VbpPlan.of(network);
        } catch (UnsupportedNetworkException e) {
            err = e.getMessage();
        }
        this.plan = p;
        this.planError = err;
    }

    @Override
    public DeviceInfo device() {
        return device;
    }

    @Override
    public Network network() {
        return network;
    }

    @Override
    public int capacity() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Result run(Tensor batch, Request request) {
        forward(batch);
        return explainLast(request);
    }

    @Override
    public Result forward(Tensor batch) {
        checkOpen();
        trace = plan != null ? VisualBackProp.trace(network, plan, batch, Mode.EVAL, trace)
                : network.trace(batch, Mode.EVAL, trace);
        return new Result(device, trace.result().copy(), null, null);
    }

    @Override
    public Result explainLast(Request request) {
        checkOpen();
        if (trace == null) {
            throw new IllegalStateException("no forward pass to explain yet: call forward or run first");
        }
        Tensor predictions = trace.result().copy();
        Attribution maps = null;
        if (request.vbp()) {
            if (plan == null) {
                throw new UnsupportedNetworkException(planError);
            }
            // the explanation's averaged maps are the trace's, which the next forward pass overwrites: keep copies
            Explanation e = VisualBackProp.explain(trace, plan);
            Target t = request.target() == null ? Target.predicted() : request.target();
            maps = VisualBackProp.attribution(request.vbpDetails() ? e.copy() : e, t.resolve(trace));
            if (!request.vbpDetails()) {
                maps = maps.withDetails(null);
            }
            maps = maps.withOutputs(predictions).withDevice(device.toString());
        }
        Attribution rel = null;
        if (request.lrp() != null) {
            rel = request.lrp().attribute(trace, request.target()).withOutputs(predictions).withDevice(device.toString());
        }
        return new Result(device, predictions, maps, rel);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this engine was closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        trace = null;
    }
}
