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
    int dst;
    int rawOff;
    int partOff;
    int sclOff;
    int expoOff;
    int gps = 1;
    float eps;
    float invC = 1f;
    /** Global and local work sizes (the global a multiple of the local). */
    int global;
    int local;

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
        k.dst = dst;
        k.rawOff = rawOff;
        k.partOff = partOff;
        k.sclOff = sclOff;
        k.expoOff = expoOff;
        k.gps = gps;
        k.eps = eps;
        k.invC = invC;
    }

    @Override
    public String toString() {
        return label + " [" + global + "/" + local + "]";
    }
}
