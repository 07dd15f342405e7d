"""An S3-speaking server on loopback for the storage tests: moto in server mode, in a
thread of the test process (subprocesses such as gunicorn reach it by its port)."""

import secrets

import pytest

from serving import free_port


class S3Server:
    def __init__(self, endpoint: str):
        self.endpoint = endpoint

    def environment(self) -> dict[str, str]:
        """What boto3 needs, the standard way (read by the app and by any subprocess)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    @staticmethod
    def unused_endpoint() -> str:
        """An address where nothing listens: an object store that is down."""
        return f"http://127.0.0.1:{free_port()}"

    def client(self):
        import boto3

        env = self.environment()
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=env["AWS_DEFAULT_REGION"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self) -> str:
        name = "portal-test-" + secrets.token_hex(6)
        self.client().create_bucket(Bucket=name)
        return name

    def objects(self, bucket: str, prefix: str = "") -> dict[str, bytes]:
        client = self.client()
        listing = client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        return {
            item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listing
        }


@pytest.fixture(scope="session")
def s3_server():
    """One moto server for the whole run."""
    pytest.importorskip("moto.server", reason="moto[server] is in the test extra: pip install -e '.[test]'")
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield S3Server(f"http://127.0.0.1:{port}")
    server.stop()


@pytest.fixture
def s3_env(s3_server, monkeypatch):
    """The boto3 environment of the loopback server, for apps created in this test."""
    for key, value in s3_server.environment().items():
        monkeypatch.setenv(key, value)
    return s3_server


@pytest.fixture
def bucket(s3_env):
    """A new, empty bucket of the loopback server."""
    return s3_env.new_bucket()


@pytest.fixture
def in_bucket(bucket):
    """Move an app's file store to `bucket` (under files/), as STORAGE_URL would at start."""
    from portal.core import storage

    def move(app):
        app.config["STORAGE_URL"] = f"s3://{bucket}/files"
        app.extensions[storage.EXTENSION_KEY] = storage.storage_for(app.config["STORAGE_URL"], "unused")
        return app

    return move
