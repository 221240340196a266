// Minimal typings for the parts of newman's Node API that the conformance runner uses.
// newman 6 ships no declarations and there is no @types package in this repository's devDependencies.
declare module 'newman' {
  import type { EventEmitter } from 'node:events';

  export interface NewmanEnvVar {
    readonly key: string;
    readonly value: string;
  }

  export interface NewmanRunOptions {
    /** A collection file path or the parsed collection JSON. */
    readonly collection: string | object;
    /** Folder (or top-level request) names to run, in collection order. */
    readonly folder?: string | readonly string[];
    readonly envVar?: readonly NewmanEnvVar[];
    /** Reporter names; an empty list runs silently. */
    readonly reporters?: string | readonly string[];
    readonly timeoutRequest?: number;
    readonly timeout?: number;
    readonly bail?: boolean;
  }

  /** A folder (ItemGroup) or the collection itself. */
  export interface NewmanItemGroup {
    readonly name: string;
    parent(): NewmanItemGroup | undefined;
  }

  /** One request of the collection. */
  export interface NewmanItem {
    readonly id: string;
    readonly name: string;
    parent(): NewmanItemGroup | undefined;
  }

  export interface NewmanResponse {
    readonly code: number;
    text(): string;
  }

  export interface NewmanRequest {
    readonly method: string;
    readonly url: { toString(): string };
  }

  export interface NewmanAssertionError {
    readonly name: string;
    readonly message: string;
  }

  /** Where the run is; `ref` identifies one execution of one request. */
  export interface NewmanCursor {
    readonly ref: string;
  }

  export interface NewmanAssertionArgs {
    readonly cursor: NewmanCursor;
    readonly assertion: string;
    readonly skipped?: boolean;
    readonly error?: NewmanAssertionError;
    readonly item: NewmanItem;
  }

  export interface NewmanRequestArgs {
    readonly cursor: NewmanCursor;
    readonly item: NewmanItem;
    readonly request: NewmanRequest;
    readonly response?: NewmanResponse;
  }

  export interface NewmanExceptionArgs {
    readonly error: { readonly name?: string; readonly message?: string };
    readonly cursor: NewmanCursor;
  }

  export interface NewmanRunSummary {
    readonly run: {
      readonly stats: {
        readonly requests: { readonly total: number; readonly failed: number };
        readonly assertions: { readonly total: number; readonly failed: number };
      };
    };
  }

  export interface NewmanRunEmitter extends EventEmitter {
    on(event: 'assertion', listener: (err: NewmanAssertionError | null, args: NewmanAssertionArgs) => void): this;
    on(event: 'request', listener: (err: Error | null, args: NewmanRequestArgs) => void): this;
    on(event: 'exception', listener: (err: null, args: NewmanExceptionArgs) => void): this;
    on(event: 'done', listener: (err: Error | null, summary: NewmanRunSummary) => void): this;
  }

  export interface Newman {
    run(options: NewmanRunOptions, callback?: (err: Error | null, summary: NewmanRunSummary) => void): NewmanRunEmitter;
  }

  const newman: Newman;
  export default newman;
}
