/** The AWS services the collectors use, as named in raw record paths (`raw/<service>/<region>.jsonl`). */
export type ServiceName =
  's3' | 's3control' | 'kms' | 'config' | 'cloudtrail' | 'sts' | 'tagging' | 'organizations';
