/**
 * iam:PassRole: a caller who hands a role to a service (a HealthLake job's DataAccessRoleArn,
 * later an Omics run's roleArn) must be allowed to pass that role, with iam:PassedToService naming
 * the service (IAM User Guide, "Granting a user permissions to pass a role to an AWS service").
 * Otherwise anyone could make the service act with a role more powerful than themselves.
 */
import type { Authorization } from '../core/service.ts';

export function passRoleCheck(roleArn: string, passedToService: string): Authorization {
  return { action: 'iam:PassRole', resources: [roleArn], conditionKeys: { 'iam:PassedToService': passedToService } };
}
