/**
 * Configuration recorder and delivery channel: Put/Describe/Delete ConfigurationRecorder,
 * DescribeConfigurationRecorderStatus, Start/StopConfigurationRecorder, Put/Describe/Delete
 * DeliveryChannel. One recorder and one delivery channel per region, as in AWS; starting the
 * recorder needs a delivery channel.
 */
import type { JsonRequest } from '../../../types.ts';
import { SandboxError } from '../../../types.ts';
import {
  epochSeconds,
  optionalObject,
  optionalString,
  optionalStringList,
  requiredString,
} from '../../kms/input.ts';
import { evaluateRule } from '../evaluate.ts';
import type { ConfigRecorder } from '../store.ts';
import { configRegion, isRecording } from '../store.ts';

const DEFAULT_GROUP = {
  allSupported: true,
  includeGlobalResourceTypes: false,
  resourceTypes: [],
  exclusionByResourceTypes: { resourceTypes: [] },
  recordingStrategy: { useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' },
};

/** A recording group as AWS stores and describes it: every member present, unset ones at their defaults. */
function completeGroup(given: Record<string, unknown>): Record<string, unknown> {
  const allSupported = given.allSupported === true;
  return {
    allSupported,
    includeGlobalResourceTypes: given.includeGlobalResourceTypes === true,
    resourceTypes: Array.isArray(given.resourceTypes) ? given.resourceTypes : [],
    exclusionByResourceTypes: given.exclusionByResourceTypes ?? { resourceTypes: [] },
    recordingStrategy: given.recordingStrategy ?? {
      useOnly: allSupported ? 'ALL_SUPPORTED_RESOURCE_TYPES' : 'INCLUSION_BY_RESOURCE_TYPES',
    },
  };
}

export function putConfigurationRecorder(req: JsonRequest): unknown {
  const spec = optionalObject(req.input, 'ConfigurationRecorder');
  if (!spec)
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value null at 'configurationRecorder' failed to satisfy constraint: Member must not be null",
    );
  const name = optionalString(spec, 'name') ?? 'default';
  const roleARN = optionalString(spec, 'roleARN');
  if (!roleARN) throw new SandboxError('InvalidRoleException', 'The role ARN is missing or invalid.');
  const given = optionalObject(spec, 'recordingGroup');
  const group = given ? completeGroup(given) : DEFAULT_GROUP;
  const types = group.resourceTypes;
  if (group.allSupported === true && Array.isArray(types) && types.length > 0) {
    throw new SandboxError(
      'InvalidRecordingGroupException',
      'allSupported cannot be true when resourceTypes are listed.',
    );
  }
  const config = configRegion(req.account, req.region);
  if (config.recorder && config.recorder.name !== name) {
    throw new SandboxError(
      'MaxNumberOfConfigurationRecordersExceededException',
      `Failed to put configuration recorder '${name}' because the maximum number of configuration recorders: 1 is reached.`,
    );
  }
  const recordingMode = optionalObject(spec, 'recordingMode') ?? {
    recordingFrequency: 'CONTINUOUS',
    recordingModeOverrides: [],
  };
  if (config.recorder) Object.assign(config.recorder, { roleARN, recordingGroup: group, recordingMode });
  else config.recorder = { name, roleARN, recordingGroup: group, recordingMode, intervals: [] };
  return {};
}

export function describeConfigurationRecorders(req: JsonRequest): unknown {
  const recorders = selectRecorders(req, optionalStringList(req.input, 'ConfigurationRecorderNames'));
  return {
    ConfigurationRecorders: recorders.map((r) => ({
      name: r.name,
      roleARN: r.roleARN,
      recordingGroup: r.recordingGroup,
      recordingMode: r.recordingMode,
    })),
  };
}

export function describeConfigurationRecorderStatus(req: JsonRequest): unknown {
  const config = configRegion(req.account, req.region);
  const recorders = selectRecorders(req, optionalStringList(req.input, 'ConfigurationRecorderNames'));
  return {
    ConfigurationRecordersStatus: recorders.map((r) => {
      const last = r.intervals[r.intervals.length - 1];
      if (!last) return { name: r.name, recording: false };
      const channel = [...config.deliveryChannels.values()][0];
      const delivering = channel !== undefined && req.state.buckets.has(channel.s3BucketName);
      // The last time the recorder stopped, also when it has been started again since.
      const lastStop = r.intervals.findLast((i) => i.stop !== undefined)?.stop;
      return {
        name: r.name,
        lastStartTime: epochSeconds(last.start),
        ...(lastStop ? { lastStopTime: epochSeconds(lastStop) } : {}),
        recording: last.stop === undefined,
        lastStatus: delivering ? 'SUCCESS' : 'FAILURE',
        ...(delivering
          ? {}
          : {
              lastErrorCode: 'NoSuchBucket',
              lastErrorMessage: 'The delivery channel bucket does not exist.',
            }),
        lastStatusChangeTime: epochSeconds(last.stop ?? last.start),
      };
    }),
  };
}

export function startConfigurationRecorder(req: JsonRequest): unknown {
  const config = configRegion(req.account, req.region);
  const recorder = namedRecorder(req, requiredString(req.input, 'ConfigurationRecorderName'));
  if (config.deliveryChannels.size === 0) {
    throw new SandboxError(
      'NoAvailableDeliveryChannelException',
      'Delivery channel is not available to start configuration recorder.',
    );
  }
  if (!isRecording(recorder)) {
    recorder.intervals.push({ start: req.state.now() });
    // Starting records every resource, which triggers the evaluation of rules that never ran.
    for (const rule of config.rules.values()) {
      if (!rule.lastInvokedTime) evaluateRule(req.state, req.account, req.region, recorder, rule);
    }
  }
  return {};
}

export function stopConfigurationRecorder(req: JsonRequest): unknown {
  const recorder = namedRecorder(req, requiredString(req.input, 'ConfigurationRecorderName'));
  const last = recorder.intervals[recorder.intervals.length - 1];
  if (last && !last.stop) last.stop = req.state.now();
  return {};
}

export function deleteConfigurationRecorder(req: JsonRequest): unknown {
  namedRecorder(req, requiredString(req.input, 'ConfigurationRecorderName'));
  configRegion(req.account, req.region).recorder = undefined;
  return {};
}

export function putDeliveryChannel(req: JsonRequest): unknown {
  const spec = optionalObject(req.input, 'DeliveryChannel');
  if (!spec)
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value null at 'deliveryChannel' failed to satisfy constraint: Member must not be null",
    );
  const config = configRegion(req.account, req.region);
  const name = optionalString(spec, 'name') ?? 'default';
  if (!config.recorder) {
    throw new SandboxError(
      'NoAvailableConfigurationRecorderException',
      'Configuration recorder is not available to put delivery channel.',
    );
  }
  const s3BucketName = optionalString(spec, 's3BucketName');
  if (!s3BucketName)
    throw new SandboxError('NoSuchBucketException', 'Cannot find a S3 bucket with an empty bucket name.');
  if (!req.state.buckets.has(s3BucketName))
    throw new SandboxError('NoSuchBucketException', `Cannot find a S3 bucket with name ${s3BucketName}.`);
  const existing = [...config.deliveryChannels.keys()].find((n) => n !== name);
  if (existing) {
    throw new SandboxError(
      'MaxNumberOfDeliveryChannelsExceededException',
      `Failed to put delivery channel '${name}' because the maximum number of delivery channels: 1 is reached.`,
    );
  }
  config.deliveryChannels.set(name, {
    name,
    s3BucketName,
    s3KeyPrefix: optionalString(spec, 's3KeyPrefix'),
    snsTopicARN: optionalString(spec, 'snsTopicARN'),
    configSnapshotDeliveryProperties: optionalObject(spec, 'configSnapshotDeliveryProperties'),
  });
  return {};
}

export function describeDeliveryChannels(req: JsonRequest): unknown {
  const config = configRegion(req.account, req.region);
  const names = optionalStringList(req.input, 'DeliveryChannelNames');
  const channels = (names ?? [...config.deliveryChannels.keys()]).map((name) => {
    const channel = config.deliveryChannels.get(name);
    if (!channel)
      throw new SandboxError(
        'NoSuchDeliveryChannelException',
        `Cannot find delivery channel with specified name '${name}'.`,
      );
    return channel;
  });
  return { DeliveryChannels: channels.map((c) => JSON.parse(JSON.stringify(c)) as unknown) };
}

export function deleteDeliveryChannel(req: JsonRequest): unknown {
  const config = configRegion(req.account, req.region);
  const name = requiredString(req.input, 'DeliveryChannelName');
  if (!config.deliveryChannels.has(name))
    throw new SandboxError(
      'NoSuchDeliveryChannelException',
      `Cannot find delivery channel with specified name '${name}'.`,
    );
  if (isRecording(config.recorder)) {
    throw new SandboxError(
      'LastDeliveryChannelDeleteFailedException',
      'Failed to delete last specified delivery channel because the configuration recorder is running.',
    );
  }
  config.deliveryChannels.delete(name);
  return {};
}

function selectRecorders(req: JsonRequest, names: string[] | undefined): ConfigRecorder[] {
  const recorder = configRegion(req.account, req.region).recorder;
  if (names === undefined || names.length === 0) return recorder ? [recorder] : [];
  return names.map((name) => namedRecorder(req, name));
}

function namedRecorder(req: JsonRequest, name: string): ConfigRecorder {
  const recorder = configRegion(req.account, req.region).recorder;
  if (!recorder || recorder.name !== name) {
    throw new SandboxError(
      'NoSuchConfigurationRecorderException',
      `Cannot find configuration recorder with the specified name '${name}'.`,
    );
  }
  return recorder;
}
