/*
 * A replacement for rapaio-jupyter-kernel 3.0.1's org.rapaio.jupyter.kernel.channels.LoopThread, placed before the
 * kernel jar on the kernel's classpath by notebooks/jupyter/run-notebooks.sh. Written for this project from the
 * class's public API (javap) and the behaviour described in ../shared/NOTEBOOKS.md; not a copy of the original.
 *
 * It fixes a start-up race: the original start() calls Thread.start() before setting its running flag, so the loop
 * can read running == false and end at once, leaving a channel (shell, control, heartbeat) unserved; and a
 * RuntimeException in the body (a NullPointerException when a kernel_info_request arrives before the kernel has set
 * its message handlers) ends the thread for good. Here the flag is set before the thread starts, and an exception in
 * the body is reported on stderr and the loop goes on (Jupyter clients repeat kernel_info_request every second, so
 * the dropped request is answered on the next try). A body that keeps failing ({@value #MAX_FAILURES} times in a
 * row, e.g. on a socket closed at shutdown) ends the loop as the original would.
 */
package org.rapaio.jupyter.kernel.channels;

/** A named thread that runs {@code body} repeatedly, sleeping {@code sleepMillis} between runs, until shut down. */
public final class LoopThread extends Thread {
    /** Consecutive failures of the body after which the loop ends. */
    static final int MAX_FAILURES = 20;
    private volatile boolean running;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleepMillis, Runnable body) {
        super(name);
        this.sleep = sleepMillis;
        this.loopBody = body;
    }

    @Override
    public void run() {
        int failures = 0;
        while (running) {
            try {
                loopBody.run();
                failures = 0;
            } catch (RuntimeException e) {
                failures++;
                if (!running || failures >= MAX_FAILURES) {
                    System.err.println("LoopThread " + getName() + ": " + e + " (loop ended after " + failures + " failures)");
                    running = false;
                    return;
                }
                System.err.println("LoopThread " + getName() + ": " + e + " (the loop goes on)");
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    /** Sets the running flag, then starts the thread (the original does it the other way round). */
    @Override
    public synchronized void start() {
        running = true;
        super.start();
    }

    /** Ends the loop after the current run of the body. */
    public void shutdown() {
        running = false;
    }
}
