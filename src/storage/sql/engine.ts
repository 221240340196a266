/** The two SQL engines Roster runs on. */
export type Engine = 'sqlite' | 'postgres';
