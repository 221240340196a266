import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as wire from 'roster-scim-webhooks';
import { EVENT_TYPES, type EventPayloads, type EventType, type RosterEvent } from './event-types.js';

/** True only when A and B are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// The receivers' package declares the events on its own (it installs without the server). These
// fail to type-check (`npm run typecheck`, and test/tsconfig.json in typecheck.test.ts) the moment
// the server's event shapes and the package's differ.
const sameTypes: Same<EventType, wire.EventType> = true;
const samePayloads: Same<EventPayloads, wire.EventPayloads> = true;
const sameEvents: Same<RosterEvent, wire.RosterEvent> = true;

describe('the roster-scim-webhooks package and the server agree on events', () => {
  it('has the same event types', () => {
    assert.deepEqual([...wire.EVENT_TYPES].sort(), [...EVENT_TYPES].sort());
    assert.deepEqual([sameTypes, samePayloads, sameEvents], [true, true, true]);
  });
});
