// Node 20 lacks Promise.withResolvers, which aws-local-stepfunctions needs (STACK-NOTES.md).
import '#shared/polyfills.ts';
