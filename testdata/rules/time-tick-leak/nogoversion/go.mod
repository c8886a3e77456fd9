module example.com/fixtures/timetickleaknoversion

go 1.27.3
