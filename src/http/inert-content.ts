/**
 * Headers on every response of the API listener (S3 objects, presigned or not; FHIR resources
 * and Binary; export files; delivered trail logs; errors). That listener serves bytes clients
 * stored, and a stored text/html or image/svg+xml opened in a browser would otherwise run its
 * script on this origin. `sandbox` gives such a document a unique opaque origin with scripts,
 * forms and plugins off, and nosniff stops a browser from guessing a script type from bytes.
 * SDKs and FHIR clients ignore both. This is one of three layers keeping stored content away from
 * the console's authority: the console has its own listener and origin (server.ts), and its API
 * refuses requests from any other origin (console/server/csrf.ts); each alone stops the attack.
 */
export const INERT_CONTENT_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': 'sandbox',
  'x-content-type-options': 'nosniff',
};
