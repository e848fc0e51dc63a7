#!/usr/bin/env python3
"""Generate src/wire/models/<service>.json from botocore's full service models.

botocore ships the complete AWS API models (service-2.json.gz) including the constraints
(min/max/pattern/enum), sensitive flags, idempotency tokens, member locations and error
metadata that the wire layer and validator need. This script copies them, minus prose
(documentation, documentationUrl, examples), as minified JSON that is committed, so running
the server never needs Python.

Re-runnable: `npm run generate-models` (or `python3 scripts/generate_models.py [service ...]`).
"""
import gzip
import json
import os
import sys

SERVICES = ["healthlake", "cloudtrail", "iam", "sts", "omics", "s3", "sns", "logs"]
DROP_KEYS = {"documentation", "documentationUrl", "examples"}
# Maps whose keys are names (operation, shape and member names), never metadata keys:
# a member called "documentation" must survive.
NAME_KEYED = {"operations", "shapes", "members"}

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "src", "wire", "models")


def botocore_data_dir():
    try:
        import botocore  # noqa: PLC0415
    except ImportError:
        sys.exit("botocore is not installed: pip install botocore")
    return os.path.join(os.path.dirname(botocore.__file__), "data"), botocore.__version__


def strip(node, name_keyed=False):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if not name_keyed and key in DROP_KEYS:
                continue
            out[key] = strip(value, name_keyed=(not name_keyed and key in NAME_KEYED))
        return out
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def load_model(data_dir, service):
    service_dir = os.path.join(data_dir, service)
    versions = sorted(
        v for v in os.listdir(service_dir)
        if os.path.isfile(os.path.join(service_dir, v, "service-2.json.gz"))
        or os.path.isfile(os.path.join(service_dir, v, "service-2.json"))
    )
    if not versions:
        sys.exit(f"no service-2.json for {service} in {service_dir}")
    version = versions[-1]
    gz = os.path.join(service_dir, version, "service-2.json.gz")
    if os.path.isfile(gz):
        with gzip.open(gz, "rt", encoding="utf-8") as f:
            return version, json.load(f)
    with open(os.path.join(service_dir, version, "service-2.json"), encoding="utf-8") as f:
        return version, json.load(f)


def main(argv):
    services = argv[1:] or SERVICES
    data_dir, botocore_version = botocore_data_dir()
    os.makedirs(OUT_DIR, exist_ok=True)
    print(f"botocore {botocore_version} ({data_dir})")
    for service in services:
        version, model = load_model(data_dir, service)
        stripped = strip(model)
        text = json.dumps(stripped, separators=(",", ":"), ensure_ascii=False, sort_keys=False)
        path = os.path.join(OUT_DIR, f"{service}.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        meta = stripped.get("metadata", {})
        print(
            f"  {service:<11} {version}  protocol={meta.get('protocol'):<9} "
            f"operations={len(stripped.get('operations', {})):>4} shapes={len(stripped.get('shapes', {})):>5} "
            f"bytes={len(text.encode('utf-8')):>8}  -> {os.path.relpath(path, ROOT)}"
        )


if __name__ == "__main__":
    main(sys.argv)
