// The AWS SDK warns once per process that Node 20 support ends in 2027; Lambda runs Node 22, and the warning
// would otherwise repeat in every test worker's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Node 20 lacks Promise.withResolvers, which aws-local-stepfunctions needs (STACK-NOTES.md).
import '#shared/polyfills.ts';
