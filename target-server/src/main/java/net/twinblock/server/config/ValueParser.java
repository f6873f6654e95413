package net.twinblock.server.config;

/**
 * Turns one raw config value into its typed form. Throws {@link IllegalArgumentException}
 * whose message is a phrase ("must be 512 or 4096"); {@link Key} adds the key and the value.
 */
@FunctionalInterface
public interface ValueParser<T> {
    T parse(String raw);
}
