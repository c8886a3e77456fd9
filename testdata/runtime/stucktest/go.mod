module example.com/stucktest

go 1.27
