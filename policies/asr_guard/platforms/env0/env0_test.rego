package env0_test

import data.asr_guard.platforms.plan_test

request := {"type": "deploy", "triggerName": "user", "revision": "main"}

test_a_denial_cancels_the_deployment if {
	denials := data.env0.deny with input as {
		"plan": plan_test.plan(["delete", "create"]),
		"deploymentRequest": request,
		"approvers": [],
	}
	count(denials) == 1
}

test_a_passing_plan_is_neither_denied_nor_pending if {
	input_value := {"plan": plan_test.plan(["update"]), "deploymentRequest": request, "approvers": []}
	count(data.env0.deny) == 0 with input as input_value
	count(data.env0.pending) == 0 with input as input_value
}
