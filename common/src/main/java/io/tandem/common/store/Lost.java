package io.tandem.common.store;

/** What losing a socket did: its call waits for a resume ({@code graced}), or it ended ({@code ended}); both null when nothing changed. */
public record Lost(Graced graced, EndedCall ended) {}
