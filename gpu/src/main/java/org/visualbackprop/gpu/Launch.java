package org.visualbackprop.gpu;

/**
 * One execution of {@link NetKernel}: the operation, its scalar parameters and its work sizes. Fields not set keep
 * their defaults (offsets -1 where -1 means "none"). Plain data, filled by {@link DeviceProgram}.
 */
final class Launch {
    final int op;
    final String label;
    int batch;
    int count;
    int inOff;
    int outOff;
    int aOff = -1;
    int zOff = -1;
    int srcOff;
    int cin;
    int inH = 1;
    int inW = 1;
    int cout;
    int outH = 1;
    int outW = 1;
    int kh = 1;
    int kw = 1;
    int sh = 1;
    int sw = 1;
    int ph;
    int pw;
    int wOff;
    int bOff;
    int relu;
    int meanOff = -1;
    int tileT = 1;
    int tiles = 1;
    int groups = 1;
    int src;
    int dst;
    int rawOff;
    int partOff;
    int sclOff;
    int expoOff;
    int predOff = -1;
    int gps = 1;
    float eps;
    float invC = 1f;
    /** Global and local work sizes (the global a multiple of the local); dimension 1 is 1 for one-dimensional ranges. */
    int global;
    int local;
    int global1 = 1;
    int local1 = 1;

    Launch(int op, String label) {
        this.op = op;
        this.label = label;
    }

    /** Sets the window parameters. */
    Launch window(org.visualbackprop.tensor.Window w) {
        kh = w.kernelH();
        kw = w.kernelW();
        sh = w.strideH();
        sw = w.strideW();
        ph = w.padH();
        pw = w.padW();
        return this;
    }

    /** Work sizes: {@code items} rounded up to whole groups of {@code local}. */
    Launch items(int items, int localSize) {
        local = localSize;
        global = Math.max(1, (items + localSize - 1) / localSize) * localSize;
        return this;
    }

    /** Work sizes: {@code groupCount} groups of {@code localSize}. */
    Launch groups(int groupCount, int localSize) {
        local = localSize;
        global = groupCount * localSize;
        return this;
    }

    /** A two-dimensional range: {@code items0} rounded up to whole groups of {@code local0}, times {@code items1}. */
    Launch items2D(int items0, int local0, int items1) {
        local = local0;
        global = Math.max(1, (items0 + local0 - 1) / local0) * local0;
        local1 = 1;
        global1 = items1;
        return this;
    }

    /** The Aparapi range on a device. */
    com.aparapi.Range range(com.aparapi.device.Device device) {
        return global1 == 1 && local1 == 1 ? com.aparapi.Range.create(device, global, local)
                : com.aparapi.Range.create2D(device, global, global1, local, local1);
    }

    /** Copies the parameters into the kernel's scalar fields. */
    void apply(NetKernel k) {
        k.op = op;
        k.batch = batch;
        k.count = count;
        k.inOff = inOff;
        k.outOff = outOff;
        k.aOff = aOff;
        k.zOff = zOff;
        k.srcOff = srcOff;
        k.cin = cin;
        k.inH = inH;
        k.inW = inW;
        k.cout = cout;
        k.outH = outH;
        k.outW = outW;
        k.kh = kh;
        k.kw = kw;
        k.sh = sh;
        k.sw = sw;
        k.ph = ph;
        k.pw = pw;
        k.wOff = wOff;
        k.bOff = bOff;
        k.relu = relu;
        k.meanOff = meanOff;
        k.tileT = tileT;
        k.tiles = tiles;
        k.groups = groups;
        k.src = src;
        k.dst = dst;
        k.rawOff = rawOff;
        k.partOff = partOff;
        k.sclOff = sclOff;
        k.expoOff = expoOff;
        k.predOff = predOff;
        k.gps = gps;
        k.eps = eps;
        k.invC = invC;
    }

    @Override
    public String toString() {
        return label + " [" + global + (global1 > 1 ? "x" + global1 : "") + "/" + local + "]";
    }
}
