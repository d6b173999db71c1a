"""Downloads from a running mim4d-zoo with the official huggingface_hub client and checks every file's sha256.

Not part of CI (it needs Python and huggingface_hub). Usage, with a zoo on port 8080 that holds `ns/name`:

    HF_ENDPOINT=http://127.0.0.1:8080 HF_HOME=/tmp/hf-check python3 server/scripts/hf-client-check.py ns/name [rev]

It exercises hf_hub_download by tag and by revision id, snapshot_download, model_info, and the client's
error mapping for a missing file and a missing revision.
"""

import hashlib
import os
import sys

from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import RemoteEntryNotFoundError, RevisionNotFoundError


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    repo_id = sys.argv[1]
    revision = sys.argv[2] if len(sys.argv) > 2 else "main"
    info = HfApi().model_info(repo_id, revision=revision)
    print(f"model_info: {repo_id}@{revision} -> {info.sha}, {len(info.siblings)} files")
    for sibling in info.siblings:
        for rev in (revision, info.sha):
            path = hf_hub_download(repo_id=repo_id, filename=sibling.rfilename, revision=rev)
            actual = sha256(path)
            status = "ok" if actual == sibling.lfs.sha256 else f"MISMATCH {actual}"
            print(f"hf_hub_download {sibling.rfilename}@{rev}: {os.path.getsize(path)} bytes, sha256 {status}")
            if actual != sibling.lfs.sha256:
                sys.exit(1)
    folder = snapshot_download(repo_id=repo_id, revision=revision)
    print(f"snapshot_download -> {folder}")
    try:
        hf_hub_download(repo_id=repo_id, filename="no-such-file.bin", revision=revision)
        sys.exit("a missing file was not reported")
    except RemoteEntryNotFoundError:
        print("missing file -> RemoteEntryNotFoundError")
    try:
        hf_hub_download(repo_id=repo_id, filename=info.siblings[0].rfilename, revision="no-such-tag")
        sys.exit("a missing revision was not reported")
    except RevisionNotFoundError:
        print("missing revision -> RevisionNotFoundError")


if __name__ == "__main__":
    main()
