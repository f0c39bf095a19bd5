"""serve.py hands a run's elements to the event loop in batches (ketacheck/web/wakeups.py): nothing a
person is sent may be lost, reordered or left waiting because of it."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from ketacheck.web import wakeups


class CountingLoop:
    """An event loop that counts its wake-ups (call_soon_threadsafe calls)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.wakeups = 0

    def call_soon_threadsafe(self, callback):
        self.wakeups += 1
        return self.loop.call_soon_threadsafe(callback)

    def is_closed(self) -> bool:
        return self.loop.is_closed()


def test_a_burst_from_the_script_thread_arrives_whole_in_order_with_fewer_wakeups():
    async def main():
        counting = CountingLoop(asyncio.get_running_loop())
        queue = wakeups.Wakeups(counting)
        got: list[int] = []
        done = asyncio.Event()

        def script_thread():
            for i in range(500):
                queue.call_soon(lambda i=i: got.append(i))
            queue.call_soon(done.set)

        thread = threading.Thread(target=script_thread)
        thread.start()
        await asyncio.wait_for(done.wait(), 5)
        thread.join()
        return got, counting.wakeups

    got, woke = asyncio.run(main())
    assert got == list(range(500))
    assert 1 <= woke < 501


def test_a_callback_queued_while_the_loop_drains_is_run_without_another_burst():
    async def main():
        loop = asyncio.get_running_loop()
        queue = wakeups.Wakeups(loop)
        got: list[str] = []
        done = asyncio.Event()

        def first():
            got.append("first")
            # Queued from inside a drain (as a handler that enqueues more does): must still run.
            queue.call_soon(lambda: (got.append("second"), done.set()))

        queue.call_soon(first)
        await asyncio.wait_for(done.wait(), 5)
        return got

    assert asyncio.run(main()) == ["first", "second"]


def test_a_failing_callback_is_logged_and_the_rest_still_run(caplog):
    async def main():
        queue = wakeups.Wakeups(asyncio.get_running_loop())
        got: list[str] = []
        done = asyncio.Event()
        queue.call_soon(lambda: got.append("before"))
        queue.call_soon(lambda: 1 / 0)
        queue.call_soon(lambda: (got.append("after"), done.set()))
        await asyncio.wait_for(done.wait(), 5)
        return got

    with caplog.at_level(logging.ERROR, logger="ketacheck.web.wakeups"):
        assert asyncio.run(main()) == ["before", "after"]
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_callbacks_after_the_loop_closed_are_dropped_not_raised():
    loop = asyncio.new_event_loop()
    loop.close()
    queue = wakeups.Wakeups(loop)
    queue.call_soon(lambda: None)  # Streamlit drops these at shutdown; so do we
    queue.call_soon(lambda: None)  # and every later one too, rather than keeping them
    assert not queue.queue


def test_a_loop_that_refuses_while_open_is_an_error():
    class Refusing:
        def call_soon_threadsafe(self, callback):
            raise RuntimeError("not for closing")

        def is_closed(self):
            return False

    with pytest.raises(RuntimeError, match="not for closing"):
        wakeups.Wakeups(Refusing()).call_soon(lambda: None)


class Session:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._event_loop = loop


def test_serve_installs_it_and_each_session_gets_its_own_queue(monkeypatch):
    import serve
    from streamlit.runtime.app_session import AppSession

    original = AppSession._call_soon_on_event_loop
    monkeypatch.setattr(serve.uvicorn, "run", lambda *a, **k: None)
    try:
        assert serve.main(["--port", "0"]) == 0
        assert AppSession._call_soon_on_event_loop is wakeups._call_soon_on_event_loop

        async def main():
            loop = asyncio.get_running_loop()
            # Stand-ins for two sessions (a real AppSession needs a whole runtime): what the method
            # uses of one is its event loop and its own attributes.
            a, b = Session(loop), Session(loop)
            got: list[str] = []
            done = asyncio.Event()
            AppSession._call_soon_on_event_loop(a, lambda: got.append("a"))
            AppSession._call_soon_on_event_loop(b, lambda: (got.append("b"), done.set()))
            await asyncio.wait_for(done.wait(), 5)
            return got, a.__dict__[wakeups._ATTRIBUTE] is not b.__dict__[wakeups._ATTRIBUTE]

        got, separate = asyncio.run(main())
        assert got == ["a", "b"] and separate
    finally:
        AppSession._call_soon_on_event_loop = original
