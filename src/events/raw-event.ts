/**
 * The two shapes every event reader produces before AppLocker normalisation:
 * - `EventElement`: an event as an XML element tree (what EVTX Binary XML renders to, and what the
 *   Event XML reader parses); `text` is the element's concatenated character data.
 * - `RawEvent`: the flat fields every export format has in common (System header + named data).
 * Readers produce RawEvent; applocker-normalise turns a RawEvent into an AppLockerEvent.
 */

export interface EventElement {
  readonly name: string;
  /** Attributes in document order. */
  readonly attributes: ReadonlyArray<readonly [string, string]>;
  readonly children: readonly EventElement[];
  readonly text: string;
  /**
   * Added by the EVTX reader: true when the source closed the element with CloseEmptyElement, which Windows
   * renders `<X/>`; absent otherwise (Windows then renders `<X></X>` even when empty; formats.md §A.7).
   */
  readonly selfClosing?: boolean;
}

export interface RawEvent {
  readonly provider: string;
  readonly providerGuid?: string;
  readonly eventId: number;
  readonly version?: number;
  readonly level?: number;
  readonly task?: number;
  readonly opcode?: number;
  readonly keywords?: string;
  /** ISO 8601 UTC. */
  readonly timeCreated: string;
  readonly recordId?: number;
  readonly channel: string;
  readonly computer: string;
  /** System/Security@UserID. */
  readonly securityUserId?: string;
  /** EventData/Data@Name or UserData/<Root>/<Field> as name → text. */
  readonly data: Readonly<Record<string, string>>;
  /** Where it came from: `file.evtx#record 42`, `events.json:17`. */
  readonly source: string;
}
