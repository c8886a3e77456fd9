module example.com/fixtures/timetickleakmain

go 1.22
