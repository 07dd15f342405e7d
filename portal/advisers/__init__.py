"""Village legal advisers (村(社区)法律顾问): directory, assignments, service log, contacts."""
