package dev.herald.config;

/** What loading the settings does when demo mode needs its key and the data dir holds none. */
public enum DemoKey {
    /** Make one ({@code serve}). */
    CREATE,
    /** Report it as a configuration error (commands that sign tokens the server must accept). */
    REQUIRE,
    /** Neither: the settings are only looked at ({@code config}). */
    IGNORE
}
