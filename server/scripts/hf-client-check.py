"""Checks a running mim4d-zoo with the official huggingface_hub client; exits non-zero at the first surprise.

Run by server/test/hf-client.test.ts (which makes a Python environment from a local wheel mirror when it can), or
by hand, with a zoo on port 8080 holding the public model `ns/name` and the private model `ns/secret`:

    HF_ENDPOINT=http://127.0.0.1:8080 HF_HOME=/tmp/hf-check python3 server/scripts/hf-client-check.py \\
        ns/name ns/secret [expected number of commits on main]

It exercises hf_hub_download by tag and by revision id, snapshot_download, model_info, repo_exists, file_exists,
list_repo_refs, list_repo_commits, and the client's error mapping for a missing repo, a private repo, a missing
file and a missing revision.
"""

import hashlib
import os
import sys

from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import (
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expect(what, actual, expected):
    print(f"{what}: {actual!r}")
    if actual != expected:
        sys.exit(f"{what}: expected {expected!r}, got {actual!r}")


def expect_raises(what, error, call):
    try:
        call()
    except error:
        print(f"{what} -> {error.__name__}")
        return
    sys.exit(f"{what} did not raise {error.__name__}")


def main():
    repo_id, private_id = sys.argv[1], sys.argv[2]
    commits = int(sys.argv[3]) if len(sys.argv) > 3 else None
    revision = "main"
    api = HfApi()
    info = api.model_info(repo_id, revision=revision)
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

    expect("repo_exists(public)", api.repo_exists(repo_id), True)
    expect("repo_exists(missing)", api.repo_exists("nobody/nothing-here"), False)
    expect("repo_exists(private, anonymous)", api.repo_exists(private_id), False)
    expect("file_exists(present)", api.file_exists(repo_id, info.siblings[0].rfilename), True)
    expect("file_exists(missing file)", api.file_exists(repo_id, "no-such-file.bin"), False)
    expect("file_exists(missing repo)", api.file_exists("nobody/nothing-here", "config.json"), False)

    refs = api.list_repo_refs(repo_id)
    branches = {ref.name: ref.target_commit for ref in refs.branches}
    expect("list_repo_refs main", branches.get("main"), info.sha)
    expect("list_repo_refs ref name", next(r.ref for r in refs.branches if r.name == "main"), "refs/heads/main")
    history = api.list_repo_commits(repo_id)
    expect("list_repo_commits newest", history[0].commit_id, info.sha)
    if commits is not None:
        expect("list_repo_commits count", len(history), commits)
    expect_raises(
        "list_repo_commits(missing revision)",
        RevisionNotFoundError,
        lambda: api.list_repo_commits(repo_id, revision="no-such-tag"),
    )

    expect_raises(
        "hf_hub_download(missing repo)",
        RepositoryNotFoundError,
        lambda: hf_hub_download(repo_id="nobody/nothing-here", filename="config.json"),
    )
    expect_raises(
        "hf_hub_download(private repo, anonymous)",
        RepositoryNotFoundError,
        lambda: hf_hub_download(repo_id=private_id, filename=info.siblings[0].rfilename),
    )
    expect_raises(
        "hf_hub_download(missing file)",
        RemoteEntryNotFoundError,
        lambda: hf_hub_download(repo_id=repo_id, filename="no-such-file.bin", revision=revision),
    )
    expect_raises(
        "hf_hub_download(missing revision)",
        RevisionNotFoundError,
        lambda: hf_hub_download(repo_id=repo_id, filename=info.siblings[0].rfilename, revision="no-such-tag"),
    )
    print("huggingface_hub: all checks passed")


if __name__ == "__main__":
    main()
