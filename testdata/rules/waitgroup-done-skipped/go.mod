module example.com/fixtures/waitgroupdoneskipped

go 1.22
