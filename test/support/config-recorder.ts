import {
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';

/**
 * Record every resource type in the client's region, as an account set up for AWS Config does: the
 * `default` recorder, a delivery channel to `bucket` (which must exist), then start it.
 */
export async function startConfigRecorder(
  cfg: ConfigServiceClient,
  accountId: string,
  bucket = 'config-logs',
): Promise<void> {
  await cfg.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: {
        name: 'default',
        roleARN: `arn:aws:iam::${accountId}:role/config`,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      },
    }),
  );
  await cfg.send(
    new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: bucket } }),
  );
  await cfg.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
}
