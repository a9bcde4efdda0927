package org.visualbackprop.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * A jqwik property that fuzzes a reader: {@link FuzzTries#tries()} tries (a few hundred in CI,
 * {@code -Dvbp.fuzz.tries=5000} for the longer run), no shrinking (a mutant is already described by its
 * {@link Mutant#description()}), and a fixed seed unless {@code -Dvbp.fuzz.seed} says otherwise (a number, or
 * {@code random}), so that CI runs the same tries every time.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Property(shrinking = ShrinkingMode.OFF)
@AddLifecycleHook(FuzzTries.class)
public @interface FuzzProperty {
}
