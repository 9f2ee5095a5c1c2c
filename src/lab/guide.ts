/** Names and values the lab guide uses; xray-lab keeps them so learners recognise their resources. */

/** The guide's sampling document (SDK local-rules format, version 2), as data. */
export const GUIDE_SAMPLING_DOCUMENT = {
  version: 2,
  default: { fixed_target: 1, rate: 0.1 },
  rules: [
    {
      description: 'High priority service sampling',
      service_name: 'user-service',
      http_method: '*',
      url_path: '/api/users/*',
      fixed_target: 2,
      rate: 0.5,
    },
  ],
} as const;

export const TABLE_NAME = 'UserProfiles';
export const FUNCTION_NAME = 'user-service';
export const ROLE_NAME = 'XRayLambdaRole';
export const API_NAME = 'user-api';
export const STAGE_NAME = 'prod';

export const SAMPLE_ITEM = {
  userId: 'user123',
  name: 'John Doe',
  email: 'john@example.com',
  preferences: 'theme:dark,notifications:enabled',
} as const;

/** Tag put on everything xray-lab creates where the service supports tags. */
export const RUN_TAG_KEY = 'xray-lab:run';
