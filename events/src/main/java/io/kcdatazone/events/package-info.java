/**
 * Helpers for consumers of the source connector's output topic, over the {@link io.kcdatazone.event.DataSourceRunEvent}
 * class generated from the published schema: {@link io.kcdatazone.events.RunEvents} (is an event terminal, the
 * request's outcome), {@link io.kcdatazone.events.DuplicateEventFilter} (drop repeats by {@code eventId}), and the
 * event types and run statuses as enums that read unknown values as {@code UNKNOWN}.
 */
package io.kcdatazone.events;
