package org.visualbackprop.proofs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Verification;

/**
 * Marks a property that states something false: the test passes when jqwik falsifies it, and its shrunk
 * counterexample (a {@link SmallNet}, the property's first parameter) is no larger than {@link #maxSize()} values
 * (see {@link Verification#size}). The counterexample, as {@link SmallNet#toString()} prints it, and the property's
 * failure message are written to {@code target/<file>} for the record (tests do not print). The test fails when no
 * counterexample is found.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@AddLifecycleHook(ExpectCounterexample.Hook.class)
@interface ExpectCounterexample {
    /** The most input values plus parameters the shrunk counterexample may have. */
    int maxSize();

    /** File name under {@code target/} for the printed counterexample. */
    String file();

    /** Inverts the property's verdict and records the counterexample. */
    final class Hook implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            ExpectCounterexample spec = context.findAnnotation(ExpectCounterexample.class).orElseThrow();
            PropertyExecutionResult result = property.execute();
            if (result.status() != PropertyExecutionResult.Status.FAILED) {
                return result.mapToFailed("expected jqwik to find a counterexample to " + context.label() + ", found none in "
                        + result.countChecks() + " checks");
            }
            List<Object> sample = result.falsifiedParameters().orElse(List.of());
            if (sample.isEmpty() || !(sample.get(0) instanceof SmallNet net)) {
                return result.mapToFailed("expected a SmallNet counterexample, got " + sample);
            }
            String why = result.throwable().map(Throwable::getMessage).orElse("");
            String text = context.label() + " is false. Smallest counterexample after shrinking ("
                    + Verification.size(net) + " values):\n" + net + "\n" + why + "\n";
            try {
                Files.createDirectories(Path.of("target"));
                Files.writeString(Path.of("target", spec.file()), text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (Verification.size(net) > spec.maxSize()) {
                return result.mapToFailed("the counterexample did not shrink to " + spec.maxSize() + " values or fewer:\n" + text);
            }
            return result.mapToSuccessful();
        }

        @Override
        public int aroundPropertyProximity() {
            return -10; // closest to the property, inside jqwik's own hooks
        }
    }
}
