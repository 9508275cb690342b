// The AWS SDK warns on Node 20 that future releases need Node 22; keep that out of test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
