import type { EventSource } from "./normalised-event.js";
import type { IdentifierField } from "./instance-result.js";
import { PieceBuffer } from "./intervals.js";
import { compareStrings } from "./comparators.js";

/**
 * Working space of one result computation: typed buffers and lists reused from session to session
 * and user to user, so building a result allocates little besides the result itself. Created per
 * computation and passed down (never module-level), so two computations can run interleaved, e.g.
 * one started from inside another's name-pattern match, without sharing buffers.
 */
export class Scratch {
  /** Interval pieces of the session or user being built. */
  readonly pieces = new PieceBuffer();
  /** Join and leave times of the connection being paired (grown on demand). */
  joins = new Float64Array(64);
  leaves = new Float64Array(64);
  /** A session's merged keys, user ids and names before they are sorted into the result. */
  readonly merged: string[] = [];
  readonly userIds: string[] = [];
  readonly names: string[] = [];
  /**
   * A session's identifiers as parallel columns: field, value and source (codes for matching,
   * strings for sorting) are distinct; time and row are of the earliest event.
   */
  readonly idFieldCode: number[] = [];
  readonly idSourceCode: number[] = [];
  readonly idField: IdentifierField[] = [];
  readonly idValue: string[] = [];
  readonly idSource: EventSource[] = [];
  readonly idAt: number[] = [];
  readonly idRow: number[] = [];
  readonly idOrder: number[] = [];

  /** Identifier order: field, value, source (bound once, not per sort). */
  readonly compareIdentifiers = (a: number, b: number): number =>
    compareStrings(this.idField[a]!, this.idField[b]!) || compareStrings(this.idValue[a]!, this.idValue[b]!) || compareStrings(this.idSource[a]!, this.idSource[b]!);
}
