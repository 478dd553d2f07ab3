"""The transcript helper fails when it should: a missing, misordered or unwanted fragment, or no reply."""

import pytest

from tests.transcript import expect


def test_fragments_in_order_across_replies_pass_and_return_the_replies():
    assert expect(["已记录 [24]", "本次填报结束"], "已记录", "结束") == "已记录 [24]\n\n本次填报结束"


@pytest.mark.parametrize(
    ("replies", "fragments", "absent"),
    [
        (["本次填报结束", "已记录 [24]"], ("已记录", "结束"), ()),  # out of order
        (["已记录 [24]"], ("已跳过",), ()),  # missing
        (["已记录 [24]"], (), ("[24]",)),  # unwanted
        ([], (), ()),  # no reply at all
    ],
)
def test_it_fails_on_what_was_not_said(replies, fragments, absent):
    with pytest.raises(AssertionError):
        expect(replies, *fragments, absent=absent)
