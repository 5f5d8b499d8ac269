package dev.herald.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs every test of the annotated class once per database — H2, PostgreSQL, MariaDB — each time
 * on a fresh, migrated database that is dropped afterwards, with its tables emptied before each
 * test. A test reaches it by declaring a {@link FreshDatabase} parameter (constructor,
 * {@code @BeforeEach} or test method). When PostgreSQL or MariaDB cannot be reached, that
 * database's run FAILS, saying so: CI relies on all three being exercised, so nothing is skipped.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ClassTemplate
@ExtendWith(EveryDatabaseExtension.class)
public @interface EveryDatabase {}
