package org.visualbackprop.cli;

import java.text.DecimalFormat;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on standard error (the progressbar library), or nothing when quiet. */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(String task, long max, String unit, boolean quiet) {
        if (quiet) {
            return new Progress(null);
        }
        ProgressBar b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 100)).setUnit(" " + unit, 1).setUpdateIntervalMillis(250)
                .showSpeed(new DecimalFormat("0.0")).build();
        return new Progress(b);
    }

    void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /** Text after the bar (the library prints it right after the speed, so it starts with a space here). */
    void message(String m) {
        if (bar != null) {
            bar.setExtraMessage(m.isEmpty() || m.startsWith(" ") ? m : " " + m);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
