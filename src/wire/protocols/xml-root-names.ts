/**
 * Root element names of rest-xml response documents. botocore's models drop the Smithy
 * `@xmlName` traits of output structures (its clients never read the root's name), yet S3
 * clients and tools that parse XML by hand expect S3's own names, e.g.
 * `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`. This table puts back
 * those names for the S3 shapes we answer with; other shapes fall back to the shape's
 * `locationName` or name.
 */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export interface RootName {
  name: string;
  xmlns?: string;
  /** The document's only content is this member's text (S3 GetBucketLocation). */
  textMember?: string;
}

const S3_ROOTS: Record<string, RootName> = {
  ListBucketsOutput: { name: 'ListAllMyBucketsResult', xmlns: S3_XMLNS },
  ListObjectsOutput: { name: 'ListBucketResult', xmlns: S3_XMLNS },
  ListObjectsV2Output: { name: 'ListBucketResult', xmlns: S3_XMLNS },
  ListMultipartUploadsOutput: { name: 'ListMultipartUploadsResult', xmlns: S3_XMLNS },
  ListPartsOutput: { name: 'ListPartsResult', xmlns: S3_XMLNS },
  CreateMultipartUploadOutput: { name: 'InitiateMultipartUploadResult', xmlns: S3_XMLNS },
  CompleteMultipartUploadOutput: { name: 'CompleteMultipartUploadResult', xmlns: S3_XMLNS },
  DeleteObjectsOutput: { name: 'DeleteResult', xmlns: S3_XMLNS },
  CopyObjectResult: { name: 'CopyObjectResult', xmlns: S3_XMLNS },
  CopyPartResult: { name: 'CopyPartResult', xmlns: S3_XMLNS },
  GetBucketLocationOutput: { name: 'LocationConstraint', xmlns: S3_XMLNS, textMember: 'LocationConstraint' },
};

export function rootNameFor(serviceId: string, shapeName: string): RootName | undefined {
  return serviceId === 'S3' ? S3_ROOTS[shapeName] : undefined;
}
