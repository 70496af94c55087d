// The console's security headers: CloudFront's response headers policy sets them on AWS and
// `npm start` sets the same locally. The API is same-origin, so connect-src 'self' suffices for it.

/**
 * The console's CSP. On AWS the page also talks to Cognito: the user pool's issuer in `cognitoRegion` (its
 * discovery document and keys, `https://cognito-idp.<region>.amazonaws.com`) and the managed login domain (the
 * token endpoint). A host source may hold a wildcard only as its first label, so the issuer's region is spelled
 * out: `cognito-idp.*.amazonaws.com` is not a valid source, and browsers drop it. Local mode signs in without Cognito.
 */
export const contentSecurityPolicyFor = (cognitoRegion?: string): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    // Mantine sets style attributes at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    cognitoRegion ? `connect-src 'self' https://cognito-idp.${cognitoRegion}.amazonaws.com https://*.amazoncognito.com` : "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');

/** Local mode's (no Cognito). */
export const contentSecurityPolicy = contentSecurityPolicyFor();

export const consoleSecurityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;
