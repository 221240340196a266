import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { enterMount, normaliseMountPath } from './mount-path.js';

const request = (url: string) => ({ url }) as IncomingMessage;

describe('mount paths', () => {
  it('are normalised to a leading slash and no trailing one, and refuse what a cookie or page cannot hold', () => {
    assert.equal(normaliseMountPath(''), '');
    assert.equal(normaliseMountPath('/'), '');
    assert.equal(normaliseMountPath('/scim-service/'), '/scim-service');
    assert.equal(normaliseMountPath('a/b'), '/a/b');
    for (const bad of ['/a;b', '/a,b', '/a b', '/a"b', '/a<b', '/a//b', '/a?b']) assert.throws(() => normaliseMountPath(bad), /not a usable mount path/, bad);
  });

  it('take the mount off the URL, case-blind, and only at a segment boundary', () => {
    const under = request('/Roster/scim/v2/Users?count=1');
    assert.equal(enterMount(under, '', '/roster'), true);
    assert.equal(under.url, '/scim/v2/Users?count=1');
    const bare = request('/roster?x=1');
    assert.equal(enterMount(bare, '', '/roster'), true);
    assert.equal(bare.url, '/?x=1');
    assert.equal(enterMount(request('/rosterx/healthz'), '', '/roster'), false);
    assert.equal(enterMount(request('/healthz'), '', '/roster'), false);
    // Express has already taken its mount path off; an unusable one is not Roster's to serve.
    const express = request('/healthz');
    assert.equal(enterMount(express, '/app/roster', ''), true);
    assert.equal(express.url, '/healthz');
    assert.equal(enterMount(request('/healthz'), '/a;b', ''), false);
  });
});
