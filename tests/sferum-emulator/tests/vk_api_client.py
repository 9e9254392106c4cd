"""Drives the emulator with the third-party `vk_api` client (PyPI), batching included.

Usage: python3 vk_api_client.py BASE_URL TOKEN GROUP_ID
Prints one JSON object with what the client saw. Exit code 3: vk_api is not installed.
"""

import json
import sys

try:
    import requests
    import vk_api
    from vk_api.requests_pool import VkRequestsPool, vk_request_one_param_pool
except ImportError as e:
    print(f"cannot import vk_api ({e})", file=sys.stderr)
    sys.exit(3)

VK_HOSTS = ("https://api.vk.ru", "https://api.vk.com")


class ToEmulator(requests.Session):
    """A requests session that sends the client's API calls to the emulator instead."""

    def __init__(self, base):
        super().__init__()
        self.base = base

    def request(self, method, url, *args, **kwargs):
        for host in VK_HOSTS:
            if url.startswith(host):
                return super().request(method, self.base + url[len(host):], *args, **kwargs)
        raise AssertionError(f"unexpected URL outside the VK API: {url}")


def main():
    base, token, group_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
    session = vk_api.VkApi(token=token, api_version="5.199", session=ToEmulator(base))
    session.RPS_DELAY = 0.06  # stay under the emulator's 20 requests per second
    vk = session.get_api()
    out = {"group_id": vk.groups.getById()["groups"][0]["id"]}

    chat = vk.messages.createChat(title="vk_api chat", user_ids="5,6", group_id=group_id)
    chat_id = chat["chat_id"]
    out["created"] = chat

    try:
        vk.messages.removeChatUser(chat_id=chat_id, member_id=999)
        out["api_error"] = None
    except vk_api.ApiError as e:
        out["api_error"] = e.code

    # Mixed methods: batched as `return [API.a({...}),API.b({...})];`.
    with VkRequestsPool(session) as pool:
        added = pool.method("messages.addChatUser", {"chat_id": chat_id, "user_id": 7})
        link = pool.method("messages.getInviteLink", {"peer_id": 2000000000 + chat_id})
        missing = pool.method("messages.removeChatUser", {"chat_id": chat_id, "member_id": 999})
    out["pool_mixed"] = [added.result, link.result["link"], missing.error["error_code"]]

    # One method many times: batched as a VKScript loop over a values array.
    with VkRequestsPool(session) as pool:
        same = [pool.method("messages.addChatUser", {"chat_id": chat_id, "user_id": u}) for u in (8, 9)]
    out["pool_same"] = [r.result for r in same]

    # One parameter varying: a loop setting one key of a defaults object.
    result, errors = vk_request_one_param_pool(
        session, "messages.addChatUser", key="user_id", values=[10, 11],
        default_values={"chat_id": chat_id},
    )
    out["one_param"] = {"result": result, "errors": errors}

    members = vk.messages.getConversationMembers(peer_id=2000000000 + chat_id, count=100)
    out["members"] = [m["member_id"] for m in members["items"]]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
