// autocannon ships no type declarations; this covers the part the benchmarks use.
declare module 'autocannon' {
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    /** Requests each connection cycles through, in place of method/headers/body. */
    requests?: { method?: string; path?: string; headers?: Record<string, string>; body?: string }[];
  }
  interface Histogram { average: number; p50: number; p99: number; max: number }
  interface Result { requests: Histogram; latency: Histogram; errors: number; non2xx: number; timeouts: number }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
