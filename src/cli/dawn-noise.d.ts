// Types of dawn-noise.js (plain JavaScript so that bin.js's parent process needs no tsx; see there).
export declare const DAWN_LIMIT_WARNING: RegExp;
export declare class DawnNoiseFilter {
  push(chunk: string): string;
  end(): string;
}
export declare const CHILD_ENV: string;
export declare function runFilteringDawnNoise(script: string, args: string[]): Promise<number>;
