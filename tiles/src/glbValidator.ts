/**
 * The Khronos glTF validator (npm `gltf-validator`, a devDependency) behind a typed function.
 *
 * Loaded on first use through `createRequire`: the package is CommonJS without type declarations,
 * and only tests and `cli.ts --validate` need it, so production builds never load it.
 */
import { createRequire } from 'node:module';

/** One issue of a validation report. */
export interface ValidationMessage {
  readonly code: string;
  readonly message: string;
  /** 0 error, 1 warning, 2 info, 3 hint. */
  readonly severity: number;
  readonly pointer?: string;
}

/** The part of the validator's report the pipeline reads. */
export interface ValidationReport {
  readonly issues: {
    readonly numErrors: number;
    readonly numWarnings: number;
    readonly numInfos: number;
    readonly numHints: number;
    readonly messages: readonly ValidationMessage[];
  };
}

interface GltfValidatorModule {
  validateBytes(
    data: Uint8Array,
    options?: {
      uri?: string;
      maxIssues?: number;
      externalResourceFunction?: (uri: string) => Promise<Uint8Array>;
    },
  ): Promise<ValidationReport>;
}

let validator: GltfValidatorModule | undefined;

/** Validates one GLB with the Khronos glTF validator and returns its report. */
export async function validateGlb(glb: Uint8Array, uri: string): Promise<ValidationReport> {
  // The package ships no types; GltfValidatorModule above is its documented API (README "Full usage").
  validator ??= createRequire(import.meta.url)('gltf-validator') as GltfValidatorModule;
  return validator.validateBytes(glb, {
    uri,
    maxIssues: 100,
    // A GLB tile is self-contained; any external reference is a bug and must fail validation.
    externalResourceFunction: (externalUri) =>
      Promise.reject(new Error(`unexpected external resource ${externalUri}`)),
  });
}
