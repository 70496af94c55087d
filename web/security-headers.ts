// The console's security headers: CloudFront's response headers policy sets them on AWS and
// `npm start` sets the same locally. The API is same-origin, so connect-src 'self' suffices.
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine sets style attributes at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  // Cognito's token endpoint is called from the page after managed login (authorization code + PKCE).
  "connect-src 'self' https://cognito-idp.*.amazonaws.com https://*.amazoncognito.com",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export const consoleSecurityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;
