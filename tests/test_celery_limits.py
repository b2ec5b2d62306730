"""When a task's work is redone: messages are acknowledged when a task ends, a killed pool process puts its
message back, and Redis hands back the message of a dead worker after CELERY_BROKER_VISIBILITY_TIMEOUT, which
every task lets go of first (the system check blueprint.E001). The faults themselves are in tests/faults/
(test_killed_rollup_redone.py, test_redis_restarted_mid_task.py)."""
import json

from blueprint.celery import app, check_task_limits, longest_hold

from .test_settings_environment import _manage_shell


def test_every_task_lets_go_of_its_message_well_before_redis_hands_it_out_again(settings):
    assert settings.BROKER_VISIBILITY_TIMEOUT == 15 * 60
    assert check_task_limits() == []
    # The full rollup may take the longest (10 minutes, and 2 minutes before its last retry); the rest less.
    holds = {name: longest_hold(task) for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert holds["kpis.rollup_full"] == 600 + 120 == max(holds.values())
    assert holds["kpis.rollup_incremental"] == 300 + 80 and holds["blueprint.tasks.ping"] == 30


def test_a_visibility_timeout_a_task_may_outlast_is_reported(settings):
    settings.BROKER_VISIBILITY_TIMEOUT = 700
    [error] = check_task_limits()
    assert error.id == "blueprint.E001" and "kpis.rollup_full may hold its message 720 s" in error.msg
    assert "CELERY_BROKER_VISIBILITY_TIMEOUT (700 s)" in error.msg


def test_redis_gets_the_visibility_timeout_and_tasks_are_acknowledged_late():
    code = ("import json; from blueprint.celery import app; c = app.conf; print(json.dumps([c.broker_transport_options, "
            "c.task_acks_late, c.task_reject_on_worker_lost, c.worker_cancel_long_running_tasks_on_connection_loss, "
            "c.task_time_limit, c.task_soft_time_limit]))")
    options, acks_late, reject_on_lost, cancel_on_loss, hard, soft = json.loads(_manage_shell(
        code, REDIS_URL="redis://127.0.0.1:1/0", CELERY_BROKER_VISIBILITY_TIMEOUT="240", CELERY_TASK_TIME_LIMIT="100"))
    assert options["visibility_timeout"] == 240 and options["unacked_restore_throttle"] == 1
    assert (acks_late, reject_on_lost, cancel_on_loss, hard, soft) == (True, True, False, 100, 540)
