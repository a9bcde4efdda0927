package org.visualbackprop.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.visualbackprop.explain.UnsupportedNetworkException;
import org.visualbackprop.nn.Network;

/**
 * Finds the compute backends and picks a device: an OpenCL GPU, else an OpenCL CPU device, else Java threads.
 *
 * <p>Backends are the built-in {@link JavaBackend} and every {@link ComputeBackend} that {@link ServiceLoader} finds
 * on the class path (loaded once). Nothing here throws because OpenCL is missing: without it there is a one-line
 * notice and the Java path. Library code does not print; notices go to the caller ({@link #open(Network,
 * DevicePreference, Consumer)}) or into {@link Listing#notes()}.
 */
public final class Engines {
    private Engines() {
    }

    /** A device and the backend that offers it. */
    public record Candidate(ComputeBackend backend, DeviceInfo device) {
    }

    /**
     * Every device found, best first (OpenCL GPUs, OpenCL CPU and other devices, Java threads), and a note for each
     * backend that has none or failed to load.
     */
    public record Listing(List<Candidate> candidates, List<String> notes) {
        public Listing {
            candidates = List.copyOf(candidates);
            notes = List.copyOf(notes);
        }

        /** The devices, best first. */
        public List<DeviceInfo> devices() {
            return candidates.stream().map(Candidate::device).toList();
        }

        /** True when at least one OpenCL device was found. */
        public boolean hasOpenCL() {
            return candidates.stream().anyMatch(c -> c.device().isOpenCL());
        }
    }

    private static final class Holder {
        static final List<ComputeBackend> BACKENDS;
        static final List<String> LOAD_NOTES;

        static {
            List<ComputeBackend> bs = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            bs.add(new JavaBackend());
            try {
                Iterator<ComputeBackend> it = ServiceLoader.load(ComputeBackend.class, Engines.class.getClassLoader()).iterator();
                while (true) {
                    try {
                        if (!it.hasNext()) {
                            break;
                        }
                        ComputeBackend b = it.next();
                        if (!(b instanceof JavaBackend)) {
                            bs.add(b);
                        }
                    } catch (ServiceConfigurationError | LinkageError e) {
                        notes.add("a compute backend could not be loaded: " + e.getMessage());
                    }
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                notes.add("compute backends could not be listed: " + e.getMessage());
            }
            BACKENDS = List.copyOf(bs);
            LOAD_NOTES = List.copyOf(notes);
        }
    }

    /** The backends: the built-in Java one first, then those {@link ServiceLoader} found. */
    public static List<ComputeBackend> backends() {
        return Holder.BACKENDS;
    }

    /** Every device of every backend, best first, with notes on backends that offer none. Never throws. */
    public static Listing list() {
        List<Candidate> cs = new ArrayList<>();
        List<String> notes = new ArrayList<>(Holder.LOAD_NOTES);
        for (ComputeBackend b : backends()) {
            List<DeviceInfo> ds;
            try {
                ds = b.devices();
            } catch (RuntimeException | LinkageError e) {
                notes.add(b.name() + ": cannot list devices: " + e);
                continue;
            }
            if (ds.isEmpty()) {
                String why;
                try {
                    why = b.unavailableReason().orElse("no devices");
                } catch (RuntimeException | LinkageError e) {
                    why = e.toString();
                }
                notes.add(b.name() + ": " + why);
            }
            for (DeviceInfo d : ds) {
                cs.add(new Candidate(b, d));
            }
        }
        cs.sort(Comparator.comparingInt(c -> c.device().type().ordinal()));
        return new Listing(cs, notes);
    }

    /**
     * The device a preference leads to for {@code network}, with the notice to show when it is not what was asked
     * for. Backends that cannot run the network are passed over.
     */
    public record Selection(Candidate candidate, String notice) {
        /** The chosen device. */
        public DeviceInfo device() {
            return candidate.device();
        }

        /** The notice, when the choice differs from the preference or OpenCL is missing. */
        public Optional<String> noticeIfAny() {
            return Optional.ofNullable(notice);
        }
    }

    /** Candidates for {@code network} in the order they should be tried for {@code preference}, with notices. */
    static List<Selection> chain(Network network, DevicePreference preference) {
        Listing listing = list();
        List<Candidate> usable = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Candidate c : listing.candidates()) {
            Optional<String> why;
            try {
                why = c.backend().unsupported(network);
            } catch (RuntimeException | LinkageError e) {
                why = Optional.of(e.toString());
            }
            if (why.isPresent()) {
                String r = c.backend().name() + " cannot run this network: " + why.get();
                if (!refusals.contains(r)) {
                    refusals.add(r);
                }
            } else {
                usable.add(c);
            }
        }
        List<Selection> out = new ArrayList<>();
        List<Candidate> preferred = usable.stream().filter(c -> preference.accepts(c.device().type())).toList();
        for (Candidate c : preferred) {
            out.add(new Selection(c, null));
        }
        String missing;
        if (!listing.hasOpenCL()) {
            missing = "no OpenCL device" + (listing.notes().isEmpty() ? "" : " (" + String.join("; ", listing.notes()) + ")");
        } else if (!refusals.isEmpty()) {
            missing = String.join("; ", refusals);
        } else {
            missing = switch (preference) {
                case GPU -> "no OpenCL GPU found";
                case OPENCL_CPU -> "no OpenCL CPU device found";
                default -> null;
            };
        }
        for (Candidate c : usable) {
            if (preferred.contains(c)) {
                continue;
            }
            // reached only when every preferred device is missing or failed to open
            String notice = (missing == null ? "no " + preference.id() + " device could be used" : missing) + "; using "
                    + c.device().describe();
            out.add(new Selection(c, notice));
        }
        // AUTO lists everything as preferred: add the missing-OpenCL notice to a Java-only choice
        if (preference == DevicePreference.AUTO && !out.isEmpty() && !out.get(0).device().isOpenCL() && missing != null) {
            out.set(0, new Selection(out.get(0).candidate(), missing + "; using " + out.get(0).device().describe()));
        }
        return out;
    }

    /**
     * The device {@code preference} leads to for {@code network}: the preferred kind when it is there and can run
     * the network, else the next in the chain OpenCL GPU, OpenCL CPU, Java threads (with a notice).
     */
    public static Selection select(Network network, DevicePreference preference) {
        return chain(network, preference).get(0);
    }

    /**
     * Opens an engine for {@code network} on the device {@code preference} leads to; when that device fails to
     * open (its OpenCL compiler fails, say), tries the next one. Never fails for want of OpenCL: the Java backend
     * is always there.
     *
     * @param notices receives one line whenever the device used is not the one asked for, and why
     */
    public static InferenceEngine open(Network network, DevicePreference preference, Consumer<String> notices) {
        List<Selection> chain = chain(network, preference);
        String carried = null;
        for (Selection s : chain) {
            try {
                InferenceEngine e = s.candidate().backend().open(network, s.device());
                String notice = carried != null ? carried + "; using " + s.device().describe() : s.notice();
                if (notice != null) {
                    notices.accept(notice);
                }
                return e;
            } catch (DeviceUnavailableException | UnsupportedNetworkException | LinkageError e) {
                carried = s.device().describe() + " failed: " + e.getMessage();
            }
        }
        throw new DeviceUnavailableException("no device could run the network" + (carried == null ? "" : ": " + carried));
    }

    /**
     * Opens an engine on a device of the preferred kind, or fails: for tests and benchmarks that must not fall back
     * silently.
     *
     * @throws DeviceUnavailableException naming what is missing
     */
    public static InferenceEngine openStrict(Network network, DevicePreference preference) {
        Selection s = select(network, preference);
        if (!preference.accepts(s.device().type())) {
            throw new DeviceUnavailableException("no " + preference.id() + " device can run this network: "
                    + (s.notice() == null ? "none found" : s.notice()));
        }
        return s.candidate().backend().open(network, s.device());
    }

    /**
     * Opens an engine on one given device (from {@link #list()}).
     *
     * @throws DeviceUnavailableException when no backend offers it
     */
    public static InferenceEngine open(Network network, DeviceInfo device) {
        for (Candidate c : list().candidates()) {
            if (c.device().equals(device)) {
                return c.backend().open(network, device);
            }
        }
        throw new DeviceUnavailableException("no backend offers the device " + device);
    }
}
